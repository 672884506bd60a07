"""Version of MMFewShot."""

from __future__ import annotations

__version__ = '0.1.0'


def parse_version_info(version_str: str) -> tuple[int | str, ...]:
    """Splits a version string such as ``'0.1.0rc1'`` into a tuple.

    Args:
        version_str: The version string.

    Returns:
        The numeric parts as ints, followed by a pre-release tag if present,
        e.g. ``(0, 1, 0, 'rc1')``.
    """
    parts: list[int | str] = []
    for token in version_str.split('.'):
        if token.isdigit():
            parts.append(int(token))
        elif 'rc' in token:
            number, rc = token.split('rc', 1)
            parts.extend([int(number), f'rc{rc}'])
        else:
            parts.append(token)
    return tuple(parts)


short_version = __version__
version_info = parse_version_info(__version__)
