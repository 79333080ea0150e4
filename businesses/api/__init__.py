"""The businesses API under ``/api/v1/business/``."""
