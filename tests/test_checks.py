"""System checks warn about settings that break with several workers, and reject bad ones."""

from django.test import override_settings

from blocksstate.checks import check_settings

LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
SMALL_LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6399/0"}
}
IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REDIS_LAYER = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}


def ids(messages):
    return sorted(message.id for message in messages)


@override_settings(DEBUG=False, CACHES=LOCMEM, CHANNEL_LAYERS=IN_MEMORY)
def test_per_process_cache_and_layer_are_flagged_in_production():
    assert ids(check_settings()) == ["blocksstate.W001", "blocksstate.W002"]


@override_settings(DEBUG=True, CACHES=LOCMEM, CHANNEL_LAYERS=IN_MEMORY)
def test_embedded_defaults_are_fine_in_development():
    assert check_settings() == []


@override_settings(DEBUG=False, CACHES=REDIS, CHANNEL_LAYERS=REDIS_LAYER)
def test_redis_is_fine_in_production():
    assert check_settings() == []


@override_settings(BLOCKSSTATE={"CACHE_ALIAS": "nope"})
def test_unknown_cache_alias_is_an_error_with_a_hint():
    (message,) = [m for m in check_settings() if m.id == "blocksstate.E003"]
    assert "nope" in message.msg and "CACHES" in message.hint


@override_settings(BLOCKSSTATE={"RESUME_GRAEC": 3})
def test_misspelt_setting_is_an_error_naming_it():
    (message,) = [m for m in check_settings() if m.id == "blocksstate.E002"]
    assert "RESUME_GRAEC" in message.msg


@override_settings(DEBUG=True, CACHES=SMALL_LOCMEM, CHANNEL_LAYERS=IN_MEMORY)
def test_a_locmem_cache_with_its_default_300_entries_is_flagged_even_in_development():
    (message,) = check_settings()
    assert message.id == "blocksstate.W004"
    assert "MAX_ENTRIES" in message.hint


DJANGO_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def django_redis_cache(location):
    return {"default": {"BACKEND": DJANGO_REDIS_CACHE, "LOCATION": location}}


def test_djangos_redis_cache_with_replicas_is_flagged_as_reading_them():
    for location in (
        "redis://10.0.0.1:6379,redis://10.0.0.2:6379",
        "redis://10.0.0.1:6379;redis://10.0.0.2:6379",
        ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379", "redis://10.0.0.3:6379"],
    ):
        with override_settings(DEBUG=True, CACHES=django_redis_cache(location)):
            (message,) = [m for m in check_settings() if m.id == "blocksstate.W005"]
        assert "replicas" in message.msg and "one LOCATION" in message.hint


def test_one_redis_server_or_django_redis_with_replicas_is_not_flagged():
    two = ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]
    django_redis = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": two}}
    for caches in (django_redis_cache("redis://10.0.0.1:6379"), django_redis):
        with override_settings(DEBUG=True, CACHES=caches, CHANNEL_LAYERS=REDIS_LAYER):
            assert "blocksstate.W005" not in ids(check_settings())
