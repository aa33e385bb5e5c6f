"""Keys at start-up: outside development no service starts on a published, placeholder or
short key, and the error names the variable, never its value."""

import pytest
from nameko.containers import ServiceContainer

from gateway.entrypoint import GatewayService
from khuyenhoc.config import ConfigError, load_config
from khuyenhoc.secret_keys import check_secrets, check_service_secrets, published_defaults
from ops.platform import Platform
from services.fund.entrypoint import FundService
from services.registration.entrypoint import RegistrationService
from services.scoring.entrypoint import ScoringService

GOOD = "9f2c41e0b7d35a8c6e1f0a4b3d2c5e7f9a8b7c6d5e4f3a2b"


def test_the_published_defaults_are_the_config_files_fallbacks():
    defaults = load_config(env={})
    assert defaults["JWT_SECRET"] in published_defaults()
    assert defaults["ID_HASH_KEY"] in published_defaults()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "is not set"),
        ("", "is not set"),
        ("dev-only-secret-change-me-0123456789abcdef", "development default"),
        ("CHANGE_ME_TO_64_RANDOM_HEX_CHARACTERS_________________________", "placeholder"),
        ("short-but-random-1234", "shorter than 32 bytes"),
    ],
)
def test_an_unusable_jwt_secret_is_refused_by_name_without_its_value(value, reason):
    config = {"KHUYENHOC_ENV": "production", "JWT_SECRET": value}
    with pytest.raises(ConfigError, match=reason) as refused:
        check_secrets(config, ("JWT_SECRET",))
    assert "JWT_SECRET" in str(refused.value)
    assert not value or value not in str(refused.value)


def test_unset_environment_means_production():
    with pytest.raises(ConfigError, match="ID_HASH_KEY"):
        check_secrets(load_config(env={}), ("ID_HASH_KEY",))


def test_development_accepts_the_published_defaults():
    check_secrets(load_config(env={"KHUYENHOC_ENV": "development"}), ("JWT_SECRET", "ID_HASH_KEY"))


def test_real_keys_pass():
    env = {"JWT_SECRET": GOOD, "ID_HASH_KEY": GOOD[::-1], "CERTIFICATE_KEY": GOOD.upper()}
    config = load_config(env=env)
    for service in ("gateway", "registration", "scoring", "fund", "notification"):
        check_service_secrets(service, config)


def test_scoring_checks_the_key_its_certificates_would_use():
    with pytest.raises(ConfigError, match="CERTIFICATE_KEY is not set and JWT_SECRET"):
        check_service_secrets("scoring", load_config(env={}))
    with pytest.raises(ConfigError, match="CERTIFICATE_KEY is shorter"):
        check_service_secrets("scoring", load_config(env={"CERTIFICATE_KEY": "abc"}))
    check_service_secrets("scoring", load_config(env={"JWT_SECRET": GOOD}))  # its fallback
    check_service_secrets("scoring", {"KHUYENHOC_ENV": "production"})  # no key: nothing to forge


@pytest.mark.parametrize(
    ("service", "variable"),
    [
        (GatewayService, "JWT_SECRET"),
        (RegistrationService, "ID_HASH_KEY"),
        (ScoringService, "CERTIFICATE_KEY"),
    ],
)
def test_a_service_does_not_start_on_the_published_defaults(service, variable):
    container = ServiceContainer(service, load_config(env={"WEB_SERVER_ADDRESS": "127.0.0.1:1"}))
    with pytest.raises(ConfigError, match=variable):
        container.start()
    container.kill()


def test_a_service_without_keys_is_not_held_back():
    check_service_secrets(FundService.name, load_config(env={}))


def test_the_platform_runner_is_a_developers_machine_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("KHUYENHOC_ENV", raising=False)
    assert Platform().settings()["KHUYENHOC_ENV"] == "development"
    told = Platform(env={"KHUYENHOC_ENV": "production"}).settings()
    assert told["KHUYENHOC_ENV"] == "production"
