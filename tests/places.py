"""Place-bound words for tests: those of the shipped 2024 parameters, and a made-up municipality."""

from types import SimpleNamespace

from exploitation_report.chapters.place import Place
from exploitation_report.inputs.params import ActionProgramme, Municipality, Organisation

GRONINGEN = Municipality(name="Groningen", commissioner="Gemeente Groningen",
                         registering_organisation=Organisation(short="ZVHG", name="Zorg- en Veiligheidshuis Groningen"),
                         action_programme=ActionProgramme(name="Naar een gemeente zonder uitbuiting", period="2022–2024"))
VOORBEELD = Municipality(name="Voorbeeld", commissioner="Gemeente Voorbeeld",
                         registering_organisation=Organisation(short="ZVV", name="Zorg- en Veiligheidshuis Voorbeeld"))
PLACE = Place.from_params(SimpleNamespace(municipality=GRONINGEN))
ELSEWHERE = Place.from_params(SimpleNamespace(municipality=VOORBEELD))
