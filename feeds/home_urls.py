"""The site's home page, named ``home``: the For You feed."""

from django.urls import path

from feeds import views

urlpatterns = [path("", views.for_you, name="home")]
