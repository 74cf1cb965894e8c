"""The value tiers: serializers, browser tokens, change tracking, and calling the cache."""
