"""The seeded topics' names and descriptions (``0002_seed_topics``) marked for the catalogue: the rows keep
English, and pages translate them when shown (``Topic.__str__``, ``{% translate topic.name %}``)."""

from django.utils.translation import gettext_noop

TOPIC_TEXTS = [
    gettext_noop("STEM"),
    gettext_noop("Science, technology, engineering and maths, reviewed by people."),
    gettext_noop("Local culture"),
    gettext_noop("Life, food, places and traditions near you."),
    gettext_noop("Sports"),
    gettext_noop("Games, training and the moments that matter."),
    gettext_noop("News"),
    gettext_noop("News from verified publishers."),
    gettext_noop("Comedy"),
    gettext_noop("Sketches, jokes and the everyday absurd."),
    gettext_noop("Food"),
    gettext_noop("Cooking, recipes and places to eat."),
    gettext_noop("Music"),
    gettext_noop("Performances, covers and how it is made."),
    gettext_noop("Dance"),
    gettext_noop("Choreography, tutorials and joy in motion."),
    gettext_noop("Art"),
    gettext_noop("Drawing, painting, craft and design."),
    gettext_noop("DIY"),
    gettext_noop("Make it, fix it, build it."),
    gettext_noop("Travel"),
    gettext_noop("Places worth the trip."),
    gettext_noop("Animals"),
    gettext_noop("Pets and wildlife."),
    gettext_noop("Gaming"),
    gettext_noop("Play, speedruns and reviews."),
    gettext_noop("Fashion"),
    gettext_noop("Style, outfits and textiles."),
    gettext_noop("Education"),
    gettext_noop("Learn something in a minute."),
    gettext_noop("Business"),
    gettext_noop("Small businesses and how they work."),
]
