"""Names: the cities' districts and rooms, people's names, ids and e-mail addresses."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class City:
    """What a generated instance takes from its city: names, rooms, e-mail domain.

    Parameters
    ----------
    display_name
        The city's name, as in the instance's name.
    authority
        The employer, as in the organizer's name.
    email_domain
        The domain of every generated e-mail address (an ``example.se`` domain).
    districts
        District names, in the order they are used.
    rooms
        Room names and addresses, in the order they are used.
    """

    display_name: str
    authority: str
    email_domain: str
    districts: tuple[str, ...]
    rooms: tuple[tuple[str, str], ...]


CITIES: Mapping[str, City] = MappingProxyType(
    {
        "goteborg": City(
            display_name="Göteborg",
            authority="Göteborgs stad",
            email_domain="goteborg.example.se",
            districts=(
                "Angered",
                "Östra Göteborg",
                "Örgryte-Härlanda",
                "Centrum",
                "Majorna-Linné",
                "Askim-Frölunda-Högsbo",
                "Västra Göteborg",
                "Västra Hisingen",
                "Lundby",
                "Norra Hisingen",
            ),
            rooms=(
                ("Stora salen", "Östra Hamngatan 24, 411 09 Göteborg"),
                ("Vasasalen", "Vasagatan 11, 411 24 Göteborg"),
                ("Hisingssalen", "Wieselgrensplatsen 2, 417 17 Göteborg"),
                ("Frölundasalen", "Frölunda torg 6, 421 42 Västra Frölunda"),
                ("Angeredssalen", "Angereds torg 5, 424 65 Angered"),
                ("Gårdasalen", "Ullevigatan 19, 411 40 Göteborg"),
            ),
        ),
        "stockholm": City(
            display_name="Stockholm",
            authority="Stockholms stad",
            email_domain="stockholm.example.se",
            districts=(
                "Rinkeby-Kista",
                "Spånga-Tensta",
                "Hässelby-Vällingby",
                "Bromma",
                "Kungsholmen",
                "Norrmalm",
                "Östermalm",
                "Södermalm",
                "Enskede-Årsta-Vantör",
                "Skarpnäck",
                "Farsta",
                "Älvsjö",
                "Hägersten-Liljeholmen",
                "Skärholmen",
            ),
            rooms=(
                ("Stora salen", "Swedenborgsgatan 20, 118 27 Stockholm"),
                ("Flemingsalen", "Fleminggatan 4, 112 26 Stockholm"),
                ("Kistasalen", "Kista torg 7, 164 40 Kista"),
                ("Farstasalen", "Farsta torg 8, 123 47 Farsta"),
                ("Vällingbysalen", "Vällingbyplan 2, 162 65 Vällingby"),
                ("Liljeholmssalen", "Liljeholmstorget 7, 117 63 Stockholm"),
            ),
        ),
    }
)

FIRST_NAMES = (
    "Ahmed", "Ali", "Amanda", "Amina", "Anders", "Anna", "Camilla", "Daniel", "Ebba", "Elin",
    "Emil", "Emma", "Erik", "Eva", "Fatima", "Fredrik", "Frida", "Hanna", "Hassan", "Helena",
    "Ida", "Ingrid", "Jenny", "Johan", "Johanna", "Jonas", "Josefin", "Julia", "Karin", "Karl",
    "Kristian", "Lars", "Leyla", "Lina", "Linnea", "Malin", "Maria", "Marie", "Matilda",
    "Mehmet", "Mikael", "Mohammed", "Nadia", "Nils", "Omar", "Oskar", "Petra", "Sanna", "Sara",
    "Sofia", "Therese", "Tove", "Viktor", "Yusuf", "Zeynep", "Åsa",
)  # fmt: skip

LAST_NAMES = (
    "Ahmadi", "Ali", "Andersson", "Axelsson", "Bengtsson", "Berg", "Berglund", "Bergström",
    "Björk", "Danielsson", "Ek", "Eklund", "Engström", "Eriksson", "Forsberg", "Fredriksson",
    "Gustafsson", "Hansson", "Hassan", "Henriksson", "Holm", "Hosseini", "Håkansson",
    "Jakobsson", "Jansson", "Johansson", "Jonsson", "Jönsson", "Karlsson", "Larsson", "Lind",
    "Lindberg", "Lindgren", "Lindqvist", "Lindström", "Lundberg", "Lundgren", "Magnusson",
    "Mattsson", "Mohammed", "Nguyen", "Nilsson", "Nyström", "Olofsson", "Olsson", "Persson",
    "Pettersson", "Sandberg", "Sjöberg", "Sundberg", "Svensson", "Wallin", "Yilmaz", "Åberg",
    "Öberg",
)  # fmt: skip


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for e-mail addresses and ids (å, ä -> a, ö -> o, é -> e)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def name_id(text: str) -> str:
    """An id made of a name: ``Örgryte-Härlanda`` -> ``orgryte-harlanda``."""
    folded = ascii_fold(text)
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in folded)
    return "-".join(part for part in cleaned.split("-") if part)


class EmailBook:
    """Hands out unique addresses ``firstname.lastname@domain``, numbered on clashes."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.taken: set[str] = set()

    def address(self, name: str) -> str:
        """A new address for a person of this name."""
        local = ".".join(name_id(part) for part in name.split())
        candidate, number = local, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{local}{number}"
        self.taken.add(candidate)
        return f"{candidate}@{self.domain}"


def random_name(rng: random.Random) -> str:
    """A first and a last name from the small lists."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
