"""Settings for the volunteer service-hours system.

Values here are defaults. `create_app` layers `instance/config.py`, then the
environment (`SECRET_KEY`, `DATABASE_URL`), then a test config on top.
Rules that DOMAIN.md calls "configurable" live here under a name that says
what they are, so a reader searching for "daily cap" lands on one line.
"""

import os

DEFAULT_SECRET_KEY = "dev-only-insecure-secret-change-me"


class Config:
    """Development defaults: SQLite in instance/, debug-friendly."""

    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means "instance/volunteer.sqlite3", resolved by create_app.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a form left open at a kiosk all day still submits
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # the largest upload (roster, seal image) we accept

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    BOOTSTRAP_SERVE_LOCAL = True  # government intranets have no internet: no CDN
    BOOTSTRAP_BOOTSWATCH_THEME = None

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    # Identity (DOMAIN.md "Identity rules")
    GUARDIAN_CONSENT_UNDER_AGE = 14
    MINOR_UNDER_AGE = 18
    VOLUNTEER_NUMBER_PREFIX = "WS"

    # Check-in, check-out and hours (DOMAIN.md); integer minutes and seconds throughout.
    CHECKIN_TOKEN_STEP_SECONDS = 30
    CHECKIN_OPENS_BEFORE_START_MINUTES = 30
    CHECKIN_CLOSES_AFTER_END_MINUTES = 0
    REPEAT_SCAN_WINDOW_SECONDS = 60
    CREDIT_GRACE_MINUTES = 0
    CREDIT_ROUNDING_STEP_MINUTES = 1
    DAILY_CAP_MINUTES = 12 * 60
    MISSING_CHECKOUT_GRACE_MINUTES = 120
    # A fresh scan URL opened before signing in stays good this long after the sign-in page.
    CHECKIN_LOGIN_GRACE_SECONDS = 600
    CHECKIN_SCREEN_POLL_SECONDS = 3
    # Scans and typed codes: per signed-in volunteer, and per address before sign-in.
    CHECKIN_SCAN_RATE_LIMIT = "30 per minute"
    CHECKIN_ANONYMOUS_SCAN_RATE_LIMIT = "300 per minute"
    # bench/bench_scan.py only: serve /bench/floor (one indexed read, one insert). Never in prod.
    BENCH_FLOOR_ENDPOINT = False

    # JSON API under /api/v1/ (flask-smorest builds the OpenAPI document from the code)
    API_TITLE = "Volunteer hours API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    API_SIGN_IN_TOKEN_HOURS = 12  # a token from POST /api/v1/tokens lasts this long
    API_PERSONAL_TOKEN_DAYS = 365  # a personal access token (server-to-server) lasts this long
    API_TOKEN_RATE_LIMIT = "10 per minute"  # password attempts per address, as the login page
    # Scans through the API: per token as the pages limit per person, and per address.
    API_SCAN_ADDRESS_RATE_LIMIT = "300 per minute"
    API_KIOSK_RATE_LIMIT = "120 per minute"  # a kiosk token scans a queue of volunteers
    API_PAGE_SIZE_MAX = 100

    # Certificates (DOMAIN.md "Certificates")
    STAR_LEVEL_THRESHOLD_HOURS = (100, 300, 600, 1000, 1500)
    CERTIFICATE_FONT_PATH: str | None = None  # a TTF to embed instead of the built-in CID font
    PUBLIC_BASE_URL: str | None = (
        None  # printed into certificate QR codes; defaults to the request host
    )
    CERTIFICATE_SERIAL_PREFIX = "WSZM"  # serials read WSZM2026000123: prefix, year, number
    CERTIFICATE_SEAL_MAX_BYTES = 1024 * 1024
    CERTIFICATE_SEAL_MAX_PIXELS = 3000
    CERTIFICATE_BATCH_CHUNK = 50  # people issued, rendered and committed per step of a batch
    CERTIFICATE_JOB_DIR: str | None = None  # batch PDFs; None means instance/certificate-jobs
    CERTIFICATE_JOB_ABANDONED_MINUTES = 60  # a job "running" this long lost its process
    CERTIFICATE_JOB_KEEP_DAYS = 7  # finished batch files older than this are deleted

    # Rosters
    ROSTER_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    ROSTER_MAX_ROWS = 50_000


class ProductionConfig(Config):
    """Production: PostgreSQL from DATABASE_URL, secure cookies, a real secret required."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")


class TestingConfig(Config):
    """Tests: CSRF off unless a test turns it on, fast password hashing."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None


CONFIGS = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
