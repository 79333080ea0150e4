"""Businesses: business profiles, promotions, Stripe payments and sponsored slots."""
