"""The interests step's page (not namespaced: sign-up redirects to it by name, without importing feeds)."""

from django.urls import path

from feeds.welcome import views

urlpatterns = [path("welcome/interests", views.interests, name="welcome-interests")]
