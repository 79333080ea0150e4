"""Conversation under videos: comments and one level of replies, their likes, the creator's filters and
pins, and the rules on who may say what to whom (services, selectors and rules beside the models)."""
