"""Synthetic name lists for the demo schools, with the languages families prefer.

Every person in the demo is invented: a given name and a family name are drawn
independently from these lists, so any likeness to a real person is chance.
Street names are invented too (they pair native trees and birds with ordinary
street words) and the towns are the demo schools' own fictional suburbs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """Names a family might carry, and the languages it might prefer to be written to in."""

    key: str
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    languages: tuple[tuple[str, float], ...]  # (BCP 47 code, weight)


def _t(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


PAKEHA = Group(
    "pakeha",
    girls=_t(
        "Charlotte, Isla, Olivia, Amelia, Mia, Ruby, Harper, Ella, Sophie, Lily, Grace, "
        "Willow, Zoe, Evie, Georgia, Emma, Poppy, Ava, Hazel, Isabella, Matilda, Lucy"
    ),
    boys=_t(
        "Oliver, Jack, Noah, Leo, George, Charlie, Hunter, Lucas, Mason, James, Thomas, "
        "William, Finn, Max, Harrison, Archie, Liam, Cooper, Levi, Hudson, Ryan, Sam"
    ),
    women=_t(
        "Sarah, Rachel, Kate, Nicola, Michelle, Amanda, Rebecca, Emma, Jo, Anna, "
        "Melissa, Claire, Kirsty, Hayley, Deborah, Lisa, Helen, Fiona"
    ),
    men=_t(
        "Andrew, Michael, David, Craig, Shane, Mark, Richard, Matthew, Ben, Tim, Grant, "
        "Paul, Jason, Daniel, Scott, Simon, Brent, Glen"
    ),
    surnames=_t(
        "Smith, Wilson, Williams, Brown, Taylor, Jones, Anderson, Thompson, Walker, "
        "Harris, Thomson, Campbell, Robinson, Kelly, Stewart, Mitchell, Clark, King, "
        "Young, Scott, Morgan, Hughes, Reid, Murray, McDonald, Fraser, Bennett, Shaw, "
        "Marshall, Hunter, Gallagher, Duncan, Fletcher, Burgess"
    ),
    languages=(("en", 1.0),),
)

MAORI = Group(
    "maori",
    girls=_t(
        "Aroha, Anahera, Ataahua, Hana, Hine, Kahurangi, Kaia, Maia, Marama, Mere, "
        "Mereana, Ngaio, Pania, Rangimārie, Tui, Waimarie, Whetū, Manaia, Te Aroha, "
        "Kōwhai, Maraea, Hinewai"
    ),
    boys=_t(
        "Ari, Hemi, Hōhepa, Ihaia, Kahu, Kauri, Manaia, Māui, Nīkau, Pita, Rāwiri, Rewi, "
        "Tai, Tama, Tamati, Tāne, Te Ariki, Te Koha, Tipene, Wiremu, Kaea, Rongo"
    ),
    women=_t(
        "Aroha, Huia, Kiri, Mere, Moana, Ngaire, Pare, Rāwinia, Riria, Tania, Waiata, "
        "Hinemoa, Atawhai, Kararaina, Ana"
    ),
    men=_t(
        "Hemi, Wiremu, Rāwiri, Tamati, Hone, Mikaere, Piripi, Tipene, Rangi, "
        "Te Rangi, Paora, Matiu, Kereama, Anaru, Hōri"
    ),
    surnames=_t(
        "Ngata, Parata, Tipene, Tamihana, Horomona, Te Whata, Kereama, Hetaraka, "
        "Herewini, Te Rangi, Te Moana, Wihongi, Mākoare, Heke, Poutama, Rangihuna, "
        "Te Kani, Tautari, Kingi, Ruatapu, Whaanga, Paewai, Tautahi, Hōhaia, "
        "Walker, Williams, Brown, Smith, Thompson, Edwards"
    ),
    languages=(("en", 0.72), ("mi", 0.28)),
)

SAMOAN = Group(
    "samoan",
    girls=_t("Malia, Losa, Lagi, Mele, Seini, Faith, Tiare, Sina, Alofa, Leilani, Vaoita, Grace"),
    boys=_t(
        "Sione, Tavita, Ioane, Iosefa, Tupe, Pele, Pita, Junior, Samuelu, Lafaele, Elisaia, Manu"
    ),
    women=_t("Fa'amoana, Lagi, Malia, Salamasina, Sefulu, Fetu, Luisa, Tasi, Mele, Ana"),
    men=_t("Sione, Tavita, Ioane, Tuala, Fa'afetai, Iosua, Vaelei, Semi, Mose, Lui"),
    surnames=_t(
        "Faleolo, Tuilagi, Leota, Fa'asalele, Toleafoa, Sapolu, Aumua, Tuimavave, "
        "Iosefa, Fonoti, Seiuli, Vaifale, Lemalu, Afamasaga, Tauiliili, Ioane"
    ),
    languages=(("en", 0.5), ("sm", 0.5)),
)

TONGAN = Group(
    "tongan",
    girls=_t("Mele, Losaline, Salote, 'Ana, Lupe, Sela, Seini, Kalolaine, Vika, Fifita"),
    boys=_t("Sione, Siosaia, Viliami, Tevita, Semisi, Pita, Latu, Feleti, Sitani, Kalisi"),
    women=_t("Mele, Salote, Lesieli, 'Ana, Lupe, Seini, Meleane, Fane, Ofa, Tupou"),
    men=_t("Sione, Viliami, Tevita, Siaosi, Semisi, Paula, Mosese, Lisiate, Hopoate, Tomasi"),
    surnames=_t(
        "Fifita, Taufa, Havili, Vaipulu, Tupou, Lolohea, Kata, Moala, Fonua, Mahe, "
        "Taumalolo, Vainikolo, Maka, Lolo"
    ),
    languages=(("en", 0.5), ("to", 0.5)),
)

COOK_ISLANDS = Group(
    "cook_islands",
    girls=_t("Teina, Mii, Tere, Ngaire, Mamia, Tuaine, Nga, Vaine"),
    boys=_t("Tauei, Ngatoko, Teariki, Mataio, Tuaine, Tangi, Makiroa, Tere"),
    women=_t("Mii, Tere, Teina, Vaine, Nane, Tupou, Ngapoko"),
    men=_t("Teariki, Mataio, Tuara, Tangitoru, Tepaki, Tere, Mana"),
    surnames=_t("Marsters, Tuara, Tupa, Vaine, Tangitoru, Teariki, Mataio, Manuela, Tuavera"),
    languages=(("en", 0.75), ("rar", 0.25)),
)

CHINESE = Group(
    "chinese",
    girls=_t("Yifan, Zihan, Jiaxin, Xinyi, Mei, Ruoxi, Yutong, Shiyu, Jessica, Cindy, Annie"),
    boys=_t("Haoran, Yuxuan, Wei, Jun, Zimo, Junjie, Hao, Kevin, Eric, Jason, Tony"),
    women=_t("Li Na, Xiaoyan, Hui, Jing, Yan, Fang, Ying, Lily, Helen, Xiu"),
    men=_t("Wei, Jian, Lei, Tao, Bin, Qiang, Ming, Feng, Peter, David"),
    surnames=_t("Wang, Li, Zhang, Chen, Liu, Yang, Huang, Zhao, Wu, Zhou, Lin, Xu"),
    languages=(("en", 0.4), ("zh", 0.6)),
)

INDIAN_NZ = Group(
    "indian",
    girls=_t("Priya, Ananya, Diya, Aanya, Isha, Riya, Simran, Harpreet, Navneet, Shreya"),
    boys=_t("Aarav, Arjun, Rohan, Vihaan, Karan, Ishaan, Jaskaran, Gurpreet, Nikhil, Dev"),
    women=_t("Sunita, Anjali, Kavita, Manpreet, Pooja, Neha, Rupinder, Shalini, Deepa"),
    men=_t("Rajesh, Sanjay, Amit, Harjit, Vikram, Sunil, Ravinder, Anil, Prakash"),
    surnames=_t("Patel, Singh, Sharma, Kaur, Kumar, Reddy, Gill, Shah, Naidu, Prasad, Chand"),
    languages=(("en", 0.5), ("hi", 0.3), ("pa", 0.2)),
)

KOREAN = Group(
    "korean",
    girls=_t("Seo-yeon, Ha-eun, Ji-woo, Su-ah, Min-seo, Ye-jin"),
    boys=_t("Min-jun, Ji-ho, Do-yun, Seo-jun, Ha-jun, Joon-young"),
    women=_t("Eun-ji, Hye-jin, Soo-jin, Min-ji, Jung-ah"),
    men=_t("Sung-ho, Jae-won, Dong-hyun, Young-soo, Jin-woo"),
    surnames=_t("Kim, Lee, Park, Choi, Jung, Kang"),
    languages=(("en", 0.35), ("ko", 0.65)),
)

FILIPINO = Group(
    "filipino",
    girls=_t("Angel, Princess, Nicole, Kyla, Andrea, Mary Grace, Bea, Jasmine"),
    boys=_t("Angelo, Mark, John Paul, Kyle, Joshua, Miguel, Carlo, Paolo"),
    women=_t("Maricel, Rowena, Jocelyn, Maria, Cristina, Liza, Joy"),
    men=_t("Ramon, Jose, Eduardo, Ariel, Romeo, Jun, Dennis"),
    surnames=_t("Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Dela Cruz, Ramos, Villanueva"),
    languages=(("en", 0.7), ("tl", 0.3)),
)

# Kōwhai Bay College: a large, mixed suburban school.
NZ_MIX: tuple[tuple[Group, float], ...] = (
    (PAKEHA, 0.42),
    (MAORI, 0.25),
    (SAMOAN, 0.08),
    (TONGAN, 0.05),
    (COOK_ISLANDS, 0.02),
    (CHINESE, 0.07),
    (INDIAN_NZ, 0.06),
    (KOREAN, 0.02),
    (FILIPINO, 0.03),
)

BRITISH = Group(
    "british",
    girls=_t(
        "Olivia, Amelia, Isla, Ava, Mia, Ivy, Lily, Isabella, Sophia, Grace, Freya, "
        "Poppy, Evie, Ella, Millie, Daisy, Phoebe, Ruby, Chloe, Jessica, Maisie, Holly"
    ),
    boys=_t(
        "Oliver, George, Harry, Jack, Charlie, Alfie, Freddie, Archie, Leo, Oscar, Thomas, "
        "Jacob, Noah, Theo, Henry, Ethan, Joshua, Finley, Max, Riley, Kai, Tyler"
    ),
    women=_t(
        "Sarah, Emma, Claire, Kelly, Gemma, Laura, Nicola, Joanne, Lisa, Rachel, Donna, "
        "Stacey, Victoria, Hannah, Leanne, Michelle"
    ),
    men=_t(
        "Mark, Paul, Lee, Darren, James, Craig, Stuart, Gary, Daniel, Wayne, Matthew, "
        "Stephen, Carl, Dean, Adam, Neil"
    ),
    surnames=_t(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, "
        "Wright, Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, "
        "Clarke, Hughes, Turner, Hill, Cooper, Ward, Harris, Baker, Parker, Cook, "
        "Chapman, Marsh, Kemp, Pearce, Fuller, Stone, Pettit, Gower, Ashdown"
    ),
    languages=(("en", 1.0),),
)

POLISH = Group(
    "polish",
    girls=_t("Wiktoria, Zuzanna, Julia, Maja, Natalia, Oliwia, Zofia, Lena"),
    boys=_t("Jakub, Szymon, Filip, Kacper, Mateusz, Antoni, Michał, Bartosz"),
    women=_t("Agnieszka, Katarzyna, Magdalena, Joanna, Monika, Ewa, Anna"),
    men=_t("Tomasz, Piotr, Krzysztof, Paweł, Marcin, Łukasz, Grzegorz"),
    surnames=_t("Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk, Kaczmarek, Dudek, Wróbel, Sikora"),
    languages=(("en", 0.35), ("pl", 0.65)),
)

ROMANIAN = Group(
    "romanian",
    girls=_t("Maria, Ioana, Elena, Bianca, Alexia, Andreea, Sofia"),
    boys=_t("Andrei, Alexandru, Ionuț, Darius, Ștefan, Mihai, Luca"),
    women=_t("Mihaela, Cristina, Gabriela, Daniela, Florentina, Ana"),
    men=_t("Ion, Marius, Florin, Cătălin, Adrian, Gheorghe"),
    surnames=_t("Popescu, Ionescu, Popa, Radu, Dumitru, Stan, Stoica, Munteanu"),
    languages=(("en", 0.3), ("ro", 0.7)),
)

NEPALI = Group(
    "nepali",
    girls=_t("Srijana, Anisha, Sushma, Pooja, Rojina, Sabina, Aasha, Sanjana"),
    boys=_t("Aayush, Bishal, Sujan, Anish, Prabin, Roshan, Sandesh, Kiran"),
    women=_t("Sita, Kamala, Laxmi, Sarita, Maya, Bimala, Durga"),
    men=_t("Ram, Hari, Bhim, Dil, Khem, Prem, Tek"),
    surnames=_t("Gurung, Rai, Limbu, Magar, Tamang, Thapa, Pun, Shrestha"),
    languages=(("en", 0.45), ("ne", 0.55)),
)

PAKISTANI = Group(
    "pakistani",
    girls=_t("Aisha, Maryam, Fatima, Zara, Hafsa, Inaaya, Amira, Safa"),
    boys=_t("Muhammad, Ibrahim, Yusuf, Hamza, Zain, Ayaan, Bilal, Rayyan"),
    women=_t("Nadia, Samina, Rubina, Shazia, Farzana, Ayesha, Saima"),
    men=_t("Imran, Tariq, Asif, Kashif, Naveed, Zahid, Shahid"),
    surnames=_t("Khan, Hussain, Ahmed, Ali, Shah, Iqbal, Akhtar, Mahmood, Rashid"),
    languages=(("en", 0.5), ("ur", 0.5)),
)

INDIAN_UK = Group(
    "indian",
    girls=_t("Priya, Anika, Diya, Saanvi, Simran, Jasleen, Riya, Nisha"),
    boys=_t("Arjun, Rohan, Dev, Aryan, Jaiden, Harvir, Krish, Neel"),
    women=_t("Sunita, Meena, Parminder, Nisha, Rupa, Kiran, Hema"),
    men=_t("Rajesh, Sanjay, Jaswinder, Ashok, Vijay, Manoj, Nitin"),
    surnames=_t("Patel, Sharma, Singh, Kaur, Gill, Sandhu, Bains, Mistry, Chauhan"),
    languages=(("en", 0.6), ("pa", 0.2), ("gu", 0.2)),
)

NIGERIAN = Group(
    "nigerian",
    girls=_t("Precious, Favour, Adaeze, Temi, Chioma, Blessing, Ifeoma, Ada"),
    boys=_t("Tobi, David, Daniel, Emmanuel, Chidi, Ayo, Femi, Joshua"),
    women=_t("Ngozi, Funmilayo, Bisi, Chinwe, Grace, Folake, Amaka"),
    men=_t("Olumide, Chukwuemeka, Tunde, Segun, Ifeanyi, Kunle, Samuel"),
    surnames=_t("Okafor, Adeyemi, Okonkwo, Balogun, Eze, Adebayo, Nwosu, Ogunleye"),
    languages=(("en", 0.9), ("yo", 0.1)),
)

# Oakfield Academy: a Kent town secondary.
ENGLAND_MIX: tuple[tuple[Group, float], ...] = (
    (BRITISH, 0.74),
    (POLISH, 0.05),
    (ROMANIAN, 0.03),
    (NEPALI, 0.04),
    (PAKISTANI, 0.04),
    (INDIAN_UK, 0.05),
    (NIGERIAN, 0.05),
)

NZ_STREET_NAMES = _t(
    "Pōhutukawa, Rimu, Tōtara, Kahikatea, Miro, Mataī, Karaka, Pūriri, Tawa, Rātā, Tūī, "
    "Kererū, Pīwakawaka, Korimako, Pūkeko, Kākā, Ruru, Tauhou, Kōtare, Pātiki, Kawakawa, "
    "Harakeke, Kānuka, Mānuka, Koromiko, Pingao"
)
NZ_STREET_KINDS = _t("Street, Road, Crescent, Avenue, Place, Terrace, Drive, Close, Way, Rise")
NZ_SUBURBS = _t("Kōwhai Bay, Kōwhai Heights, Tōtara Flat, Rimuwhenua, Pukekōwhai")

ENGLAND_STREET_NAMES = _t(
    "Brambleton, Hopfield, Oast, Cobnut, Wealdon, Marshbrook, Chalkpit, Ashgrove, Larkspur, "
    "Kestrel, Hazelmere, Blackthorn, Orchard Vale, Fieldfare, Withybed, Sandling, Nettlestead, "
    "Mallowdene, Coppice, Thornbury, Harebell, Wychwood, Damson, Greenfinch"
)
ENGLAND_STREET_KINDS = _t("Road, Lane, Close, Avenue, Gardens, Drive, Way, Rise, Mews, Crescent")
ENGLAND_TOWNS = _t("Oakfield, Oakfield Green, Upper Oakfield, Hopfield Cross, Cobhurst")
