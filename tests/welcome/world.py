"""A small catalogue for the interests step's tests: videos in many topics, STEM among them, with hashtags
and views, one mature video with a much-watched hashtag of its own."""

from dataclasses import dataclass

from creators.models import Hashtag, Topic, Video
from feeds.models import VideoStats
from tests.factories import CreatorFactory, published_video

TOPICS = ("comedy", "music", "art", "travel", "sports", "animals", "dance", "food", "gaming", "stem")


@dataclass
class World:
    stem: Topic
    comedy: Topic
    physics: Hashtag  # STEM's most watched
    chemistry: Hashtag  # STEM's second
    spicy: Hashtag  # only on a mature STEM video, watched more than any other
    stem_videos: list[Video]


def tag(video: Video, name: str) -> Hashtag:
    hashtag, _ = Hashtag.objects.get_or_create(name=name)
    video.hashtags.add(hashtag)
    return hashtag


def world_build(*, per_topic: int = 4) -> World:
    """``per_topic`` videos in each of ten topics, each topic's from two creators; the others' videos are
    watched more than STEM's, so only the picks can bring STEM first."""
    stem_videos = []
    for topic in TOPICS:
        creators = [CreatorFactory.create(), CreatorFactory.create()]
        for index in range(per_topic):
            video = published_video(owner=creators[index % 2], topics=(topic,), caption=f"{topic} {index}")
            views = 40 if topic == "stem" else 90
            VideoStats.objects.create(
                video=video, impressions=views, completions=views // 2, likes=views // 10
            )
            if topic == "stem":
                tag(video, "physics" if index % 2 == 0 else "chemistry")
                stem_videos.append(video)
            else:
                tag(video, f"{topic}fun")
    # The physics videos are watched most of STEM's.
    VideoStats.objects.filter(video__in=stem_videos[::2]).update(impressions=60)
    mature = published_video(
        owner=CreatorFactory.create(), topics=("stem",), caption="late night lab", content_level="mature"
    )
    VideoStats.objects.create(video=mature, impressions=5000, completions=2500)
    spicy = tag(mature, "spicy")
    return World(
        stem=Topic.objects.get(slug="stem"),
        comedy=Topic.objects.get(slug="comedy"),
        physics=Hashtag.objects.get(name="physics"),
        chemistry=Hashtag.objects.get(name="chemistry"),
        spicy=spicy,
        stem_videos=stem_videos,
    )
