"""Seed the topic taxonomy; curated topics (STEM, News) need a reviewer's approval per video."""

from django.db import migrations

TOPICS = [
    ("stem", "STEM", "Science, technology, engineering and maths, reviewed by people.", True),
    ("local", "Local culture", "Life, food, places and traditions near you.", False),
    ("sports", "Sports", "Games, training and the moments that matter.", False),
    ("news", "News", "News from verified publishers.", True),
    ("comedy", "Comedy", "Sketches, jokes and the everyday absurd.", False),
    ("food", "Food", "Cooking, recipes and places to eat.", False),
    ("music", "Music", "Performances, covers and how it is made.", False),
    ("dance", "Dance", "Choreography, tutorials and joy in motion.", False),
    ("art", "Art", "Drawing, painting, craft and design.", False),
    ("diy", "DIY", "Make it, fix it, build it.", False),
    ("travel", "Travel", "Places worth the trip.", False),
    ("animals", "Animals", "Pets and wildlife.", False),
    ("gaming", "Gaming", "Play, speedruns and reviews.", False),
    ("fashion", "Fashion", "Style, outfits and textiles.", False),
    ("education", "Education", "Learn something in a minute.", False),
    ("business", "Business", "Small businesses and how they work.", False),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("creators", "Topic")
    for position, (slug, name, description, is_curated) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "is_curated": is_curated, "position": position},
        )


def unseed(apps, schema_editor):
    apps.get_model("creators", "Topic").objects.filter(slug__in=[slug for slug, *_ in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("creators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
