"""Published class lists of CUB-200-2011 and mini-ImageNet (data only).

CUB: the 200 folder names in index order (class ``i`` is ``f'{i + 1:03d}.Name'``).
mini-ImageNet: the Ravi & Larochelle 64/16/20 wnid split, in the order of the
original MMFewShot tables (the label of a class is its position in its list).
"""

from __future__ import annotations

CUB_CLASSES: tuple[str, ...] = tuple(
    """
    001.Black_footed_Albatross 002.Laysan_Albatross 003.Sooty_Albatross 004.Groove_billed_Ani
    005.Crested_Auklet 006.Least_Auklet 007.Parakeet_Auklet 008.Rhinoceros_Auklet
    009.Brewer_Blackbird 010.Red_winged_Blackbird 011.Rusty_Blackbird
    012.Yellow_headed_Blackbird 013.Bobolink 014.Indigo_Bunting 015.Lazuli_Bunting
    016.Painted_Bunting 017.Cardinal 018.Spotted_Catbird 019.Gray_Catbird
    020.Yellow_breasted_Chat 021.Eastern_Towhee 022.Chuck_will_Widow 023.Brandt_Cormorant
    024.Red_faced_Cormorant 025.Pelagic_Cormorant 026.Bronzed_Cowbird 027.Shiny_Cowbird
    028.Brown_Creeper 029.American_Crow 030.Fish_Crow 031.Black_billed_Cuckoo
    032.Mangrove_Cuckoo 033.Yellow_billed_Cuckoo 034.Gray_crowned_Rosy_Finch 035.Purple_Finch
    036.Northern_Flicker 037.Acadian_Flycatcher 038.Great_Crested_Flycatcher
    039.Least_Flycatcher 040.Olive_sided_Flycatcher 041.Scissor_tailed_Flycatcher
    042.Vermilion_Flycatcher 043.Yellow_bellied_Flycatcher 044.Frigatebird 045.Northern_Fulmar
    046.Gadwall 047.American_Goldfinch 048.European_Goldfinch 049.Boat_tailed_Grackle
    050.Eared_Grebe 051.Horned_Grebe 052.Pied_billed_Grebe 053.Western_Grebe 054.Blue_Grosbeak
    055.Evening_Grosbeak 056.Pine_Grosbeak 057.Rose_breasted_Grosbeak 058.Pigeon_Guillemot
    059.California_Gull 060.Glaucous_winged_Gull 061.Heermann_Gull 062.Herring_Gull
    063.Ivory_Gull 064.Ring_billed_Gull 065.Slaty_backed_Gull 066.Western_Gull
    067.Anna_Hummingbird 068.Ruby_throated_Hummingbird 069.Rufous_Hummingbird
    070.Green_Violetear 071.Long_tailed_Jaeger 072.Pomarine_Jaeger 073.Blue_Jay 074.Florida_Jay
    075.Green_Jay 076.Dark_eyed_Junco 077.Tropical_Kingbird 078.Gray_Kingbird
    079.Belted_Kingfisher 080.Green_Kingfisher 081.Pied_Kingfisher 082.Ringed_Kingfisher
    083.White_breasted_Kingfisher 084.Red_legged_Kittiwake 085.Horned_Lark 086.Pacific_Loon
    087.Mallard 088.Western_Meadowlark 089.Hooded_Merganser 090.Red_breasted_Merganser
    091.Mockingbird 092.Nighthawk 093.Clark_Nutcracker 094.White_breasted_Nuthatch
    095.Baltimore_Oriole 096.Hooded_Oriole 097.Orchard_Oriole 098.Scott_Oriole 099.Ovenbird
    100.Brown_Pelican 101.White_Pelican 102.Western_Wood_Pewee 103.Sayornis 104.American_Pipit
    105.Whip_poor_Will 106.Horned_Puffin 107.Common_Raven 108.White_necked_Raven
    109.American_Redstart 110.Geococcyx 111.Loggerhead_Shrike 112.Great_Grey_Shrike
    113.Baird_Sparrow 114.Black_throated_Sparrow 115.Brewer_Sparrow 116.Chipping_Sparrow
    117.Clay_colored_Sparrow 118.House_Sparrow 119.Field_Sparrow 120.Fox_Sparrow
    121.Grasshopper_Sparrow 122.Harris_Sparrow 123.Henslow_Sparrow 124.Le_Conte_Sparrow
    125.Lincoln_Sparrow 126.Nelson_Sharp_tailed_Sparrow 127.Savannah_Sparrow 128.Seaside_Sparrow
    129.Song_Sparrow 130.Tree_Sparrow 131.Vesper_Sparrow 132.White_crowned_Sparrow
    133.White_throated_Sparrow 134.Cape_Glossy_Starling 135.Bank_Swallow 136.Barn_Swallow
    137.Cliff_Swallow 138.Tree_Swallow 139.Scarlet_Tanager 140.Summer_Tanager 141.Artic_Tern
    142.Black_Tern 143.Caspian_Tern 144.Common_Tern 145.Elegant_Tern 146.Forsters_Tern
    147.Least_Tern 148.Green_tailed_Towhee 149.Brown_Thrasher 150.Sage_Thrasher
    151.Black_capped_Vireo 152.Blue_headed_Vireo 153.Philadelphia_Vireo 154.Red_eyed_Vireo
    155.Warbling_Vireo 156.White_eyed_Vireo 157.Yellow_throated_Vireo 158.Bay_breasted_Warbler
    159.Black_and_white_Warbler 160.Black_throated_Blue_Warbler 161.Blue_winged_Warbler
    162.Canada_Warbler 163.Cape_May_Warbler 164.Cerulean_Warbler 165.Chestnut_sided_Warbler
    166.Golden_winged_Warbler 167.Hooded_Warbler 168.Kentucky_Warbler 169.Magnolia_Warbler
    170.Mourning_Warbler 171.Myrtle_Warbler 172.Nashville_Warbler 173.Orange_crowned_Warbler
    174.Palm_Warbler 175.Pine_Warbler 176.Prairie_Warbler 177.Prothonotary_Warbler
    178.Swainson_Warbler 179.Tennessee_Warbler 180.Wilson_Warbler 181.Worm_eating_Warbler
    182.Yellow_Warbler 183.Northern_Waterthrush 184.Louisiana_Waterthrush 185.Bohemian_Waxwing
    186.Cedar_Waxwing 187.American_Three_toed_Woodpecker 188.Pileated_Woodpecker
    189.Red_bellied_Woodpecker 190.Red_cockaded_Woodpecker 191.Red_headed_Woodpecker
    192.Downy_Woodpecker 193.Bewick_Wren 194.Cactus_Wren 195.Carolina_Wren 196.House_Wren
    197.Marsh_Wren 198.Rock_Wren 199.Winter_Wren 200.Common_Yellowthroat
    """.split()  # noqa: SIM905 (a packed table reads better than 200 quoted items)
)

MINI_IMAGENET_TRAIN_CLASSES: tuple[str, ...] = tuple(
    """
    n02074367 n03047690 n03854065 n02089867 n02105505 n01704323 n04604644 n03676483 n01558993
    n07697537 n04509417 n02101006 n02165456 n13133613 n02747177 n02966193 n03924679 n04275548
    n02113712 n03838899 n02091831 n03220513 n07747607 n03998194 n02108089 n09246464 n04251144
    n02111277 n04435653 n03207743 n04389033 n03337140 n03908618 n02606052 n01770081 n01910747
    n03062245 n02108551 n03017168 n04258138 n03888605 n04596742 n07584110 n02687172 n03476684
    n04243546 n02795169 n02457408 n04515003 n06794110 n01532829 n01843383 n13054560 n04067472
    n03347037 n04612504 n03400231 n01749939 n02823428 n04296562 n03527444 n04443257 n02108915
    n02120079
    """.split()  # noqa: SIM905 (a packed table reads better than 200 quoted items)
)

MINI_IMAGENET_VAL_CLASSES: tuple[str, ...] = tuple(
    """
    n02138441 n02981792 n02174001 n03535780 n03770439 n03773504 n02950826 n03980874 n02114548
    n03584254 n02091244 n03417042 n02971356 n01855672 n09256479 n03075370
    """.split()  # noqa: SIM905 (a packed table reads better than 200 quoted items)
)

MINI_IMAGENET_TEST_CLASSES: tuple[str, ...] = tuple(
    """
    n02110341 n01981276 n07613480 n02129165 n04418357 n02443484 n03127925 n01930112 n03272010
    n03146219 n04146614 n03775546 n04522168 n02099601 n02871525 n02110063 n02219486 n02116738
    n04149813 n03544143
    """.split()  # noqa: SIM905 (a packed table reads better than 200 quoted items)
)
