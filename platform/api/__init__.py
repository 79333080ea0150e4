"""The JSON API of the core app and the API conventions every app shares."""
