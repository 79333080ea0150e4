"""The demo world `make run` shows: eight creators and their videos, as plain data.

``seed_demo_videos`` turns it into accounts, profiles and videos made by the real pipeline;
``feeds``' ``seed_demo_signals`` gives them a few weeks of viewers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Persona:
    email: str
    handle: str
    display_name: str
    bio: str
    region: str
    palette: tuple[tuple[str, str, str], ...]  # colour sets its videos cycle through
    root_hz: float  # the key its videos' chords are in
    is_verified_publisher: bool = False


@dataclass(frozen=True, kw_only=True)
class DemoVideo:
    handle: str
    caption: str  # the title drawn on the picture is the caption without its hashtags
    topics: tuple[str, ...]


PERSONAS = (
    Persona(
        email="nova@joyreel.localhost",
        handle="drnova",
        display_name="Dr. Nova Patel",
        bio="Physicist. One idea, one minute. STEM for curious people.",
        region="DE-BY",
        palette=(
            ("#1e3a8a", "#38bdf8", "#facc15"),
            ("#312e81", "#a78bfa", "#f472b6"),
            ("#064e3b", "#34d399", "#fde047"),
        ),
        root_hz=261.63,
    ),
    Persona(
        email="news@joyreel.localhost",
        handle="bayernbulletin",
        display_name="Bayern Bulletin",
        bio="Verified regional newsroom. Short, sourced, every day.",
        region="DE-BY",
        palette=(("#111827", "#dc2626", "#f9fafb"), ("#1f2937", "#2563eb", "#fbbf24")),
        root_hz=220.0,
        is_verified_publisher=True,
    ),
    Persona(
        email="club@joyreel.localhost",
        handle="fcsendling",
        display_name="FC Sendling Youth",
        bio="Our kids' and grown-ups' teams in Munich-Sendling. Training, matches, goals.",
        region="DE-BY",
        palette=(("#14532d", "#84cc16", "#ffffff"), ("#166534", "#facc15", "#1d4ed8")),
        root_hz=293.66,
    ),
    Persona(
        email="lena@joyreel.localhost",
        handle="lenabeats",
        display_name="Lena Beats",
        bio="Loops, synths and a cello. How my tracks are made.",
        region="DE-BE",
        palette=(("#4c1d95", "#ec4899", "#22d3ee"), ("#701a75", "#f97316", "#a3e635")),
        root_hz=329.63,
    ),
    Persona(
        email="kai@joyreel.localhost",
        handle="kitchenkai",
        display_name="Kai's Kitchen",
        bio="Weeknight cooking from a tiny Munich kitchen.",
        region="DE-BY",
        palette=(("#7c2d12", "#fb923c", "#fef3c7"), ("#713f12", "#facc15", "#16a34a")),
        root_hz=196.0,
    ),
    Persona(
        email="business@joyreel.localhost",
        handle="beasbakery",
        display_name="Bea's Bakery",
        bio="Family bakery in Haidhausen since 1987. Sourdough every morning.",
        region="DE-BY",
        palette=(("#78350f", "#fcd34d", "#fff7ed"), ("#9a3412", "#fdba74", "#fef9c3")),
        root_hz=349.23,
    ),
    Persona(
        email="creator@joyreel.localhost",
        handle="cleo",
        display_name="Cleo Creator",
        bio="Colours, light and calm. Painting in one take.",
        region="DE-BY",
        palette=(("#0f766e", "#f0abfc", "#fde68a"), ("#be185d", "#fde047", "#0ea5e9")),
        root_hz=246.94,
    ),
    Persona(
        email="tom@joyreel.localhost",
        handle="trailtom",
        display_name="Tom on Trails",
        bio="Alps, dogs and the odd speedrun on a rainy day.",
        region="AT-7",
        palette=(("#0c4a6e", "#7dd3fc", "#f8fafc"), ("#365314", "#bef264", "#f59e0b")),
        root_hz=277.18,
    ),
)

_VIDEOS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "drnova": (
        ("Why is the sky blue? #physics #light", ("stem", "education")),
        ("Black holes in 60 seconds #space", ("stem",)),
        ("How a fridge moves heat #engineering", ("stem", "education")),
        ("Primes you can hear #maths #sound", ("stem", "music")),
        ("Why ice floats #chemistry", ("stem",)),
        ("The Fibonacci spiral in a sunflower #maths #nature", ("stem", "art")),
        ("How GPS knows where you are #technology", ("stem", "education")),
        ("Volcanoes explained with ketchup #geology", ("stem", "comedy")),
        ("What is a qubit? #quantum", ("stem",)),
    ),
    "bayernbulletin": (
        ("New tram line opens in Munich #munich", ("news", "local")),
        ("Bavaria's harvest, in three numbers #farming", ("news", "business")),
        ("Weekend weather: sun in the Alps #weather", ("news", "travel")),
        ("City council votes on bike lanes #munich", ("news", "local")),
        ("Oktoberfest by the numbers #oktoberfest", ("news", "local")),
        ("Museums free on Sunday #culture", ("news", "art")),
        ("Night trains are back #travel", ("news", "travel")),
        ("Local elections: how to vote #elections", ("news", "education")),
    ),
    "fcsendling": (
        ("Under-12s win the derby! #football", ("sports", "local")),
        ("Warm-up drill in 30 seconds #training", ("sports",)),
        ("Goal of the month #football", ("sports",)),
        ("Our coach's one-touch passing tip #football", ("sports", "education")),
        ("Girls' team first trophy #football", ("sports", "local")),
        ("Penalty practice fails #funny", ("sports", "comedy")),
        ("Match day in Sendling #munich", ("sports", "local")),
        ("Stretching after the game #fitness", ("sports",)),
    ),
    "lenabeats": (
        ("Building a beat from a door squeak #music", ("music", "diy")),
        ("Cello plus synth, one loop #cello", ("music",)),
        ("Three chords, six songs #music", ("music", "education")),
        ("Dance break in the studio #dance", ("dance", "music")),
        ("How I mix vocals #production", ("music", "education")),
        ("Berlin rooftop session #berlin", ("music", "travel")),
        ("A melody for my cat #cats", ("music", "animals")),
        ("Learn this 8-count #dance", ("dance",)),
    ),
    "kitchenkai": (
        ("Obatzda in two minutes #bavarian", ("food", "local")),
        ("Crispy potatoes, no oven #cooking", ("food",)),
        ("Spätzle by hand #bavarian", ("food", "local")),
        ("Five-minute tomato soup #quick", ("food",)),
        ("The sharpest knife trick #kitchen", ("food", "diy")),
        ("Pretzel dough, step one #baking", ("food",)),
        ("Market haul at Viktualienmarkt #munich", ("food", "local", "travel")),
        ("Fried rice for one #cooking", ("food",)),
    ),
    "beasbakery": (
        ("Our sourdough at 5 am #bakery", ("food", "business", "local")),
        ("Shaping a Bavarian pretzel, our Brezn #baking #brezn", ("food", "local")),
        ("Plum cake season is here #cake", ("food",)),
        ("Meet our newest baker #smallbusiness", ("business", "local")),
        ("Why we proof for 18 hours #bread", ("food", "stem")),
        ("Saturday queue in Haidhausen #munich", ("local", "business")),
        ("Croissant layers, slowly #baking", ("food",)),
    ),
    "cleo": (
        ("Painting a sunrise in one take #art", ("art",)),
        ("Colour mixing without brown #painting", ("art", "education")),
        ("Watercolour rain #relax", ("art",)),
        ("My studio in the morning #studio", ("art", "local")),
        ("Ink swirls, slowed down #satisfying", ("art",)),
        ("Upcycled jacket, hand painted #fashion", ("fashion", "diy")),
        ("A tiny clay fox #craft", ("art", "diy", "animals")),
    ),
    "trailtom": (
        ("Sunrise on the Zugspitze #alps", ("travel",)),
        ("My dog's first snow #dogs", ("animals", "travel")),
        ("Packing light for three days #hiking", ("travel", "diy")),
        ("Any% speedrun on a rainy day #gaming", ("gaming",)),
        ("Lake Achensee from above #austria", ("travel",)),
        ("Marmots saying hello #wildlife", ("animals",)),
        ("Ski jump, first try #skiing", ("sports", "travel", "comedy")),
        ("Cosy hut dinner #food", ("food", "travel")),
        ("Retro game night #gaming", ("gaming", "comedy")),
    ),
}

VIDEOS = tuple(
    DemoVideo(handle=handle, caption=caption, topics=topics)
    for handle, videos in _VIDEOS.items()
    for caption, topics in videos
)


def title_of(caption: str) -> str:
    """The caption without its hashtags: what is drawn on the picture."""
    return " ".join(word for word in caption.split() if not word.startswith("#"))
