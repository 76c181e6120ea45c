"""Settings for the volunteer service-hours system.

Values here are defaults. `create_app` layers `instance/config.py`, then the
environment (`SECRET_KEY`, `DATABASE_URL` and the few in volunteer/settings.py), then a test
config on top.
Rules that DOMAIN.md calls "configurable" live here under a name that says
what they are, so a reader searching for "daily cap" lands on one line.
"""

import os
from datetime import timedelta

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

    # Limits (README "Limits"). Counts are shared through RATELIMIT_STORAGE_URI: Redis
    # (redis://host:6379/0) whenever more than one worker process serves the site;
    # production refuses memory:// unless WEB_WORKERS=1 declares a single worker.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    WEB_WORKERS = 0  # how many worker processes the operator runs; 0: not declared
    # Reverse proxies in front that append to X-Forwarded-For (nginx: 1). With 0 the header
    # is ignored, so a client cannot choose the address its limits are counted under.
    TRUSTED_PROXY_HOPS = 0
    # Sign-in attempts (successes count too). Per address: a venue's Wi-Fi or a carrier NAT
    # puts a whole event behind one address. Per account, from any address: 20 tries an hour
    # (480 a day) against one password, at the cost of a lockout of at most an hour.
    LOGIN_RATE_LIMIT = "30 per minute; 300 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute; 20 per hour"
    # Registrations submitted per address: a registration drive on one Wi-Fi fits; a
    # script minting accounts (each one more budget for guessing codes) does not.
    REGISTRATION_RATE_LIMIT = "30 per hour; 200 per day"
    # The work unit picker's searches per address (a few per person typing a name): a whole
    # department registering from one intranet address fits.
    UNIT_SEARCH_RATE_LIMIT = "120 per minute; 3000 per hour"
    # Up to this many active units, the register and profile pages offer the work unit as a
    # plain select (simplest on a phone; 200 options are about 12 KB and the banner's own
    # tree of departments, towns and gacha fits); above it, a search-as-you-type picker, since
    # a province's 10,000 options were 570 KB and a list nobody can scroll (issue 15).
    WORK_UNIT_SELECT_LIMIT = 200
    # The activity list's organization filter: a select of the organizations with activities
    # on up to this many (about 60 bytes each), else a search by part of the name, so the
    # public list stays small however many teams a league or province has (issue 15). The
    # same line for the organization on the activity, project and national-export forms
    # (counting the organizations the user runs; an admin runs all): past it, a search picker.
    ORGANIZATION_SELECT_LIMIT = 200

    # A password-reset code a coordinator or admin issues is good once, for this long.
    PASSWORD_RESET_HOURS = 24
    PASSWORD_RESET_RATE_LIMIT = "10 per minute; 50 per hour"  # reset codes tried per address
    # Text messages (volunteer/services/sms.py): off; a gateway is the deployment's to plug in.
    # Only password-reset codes use it; reminder lists are exported for the unit's own SMS
    # platform and never sent from here, whatever this says.
    SMS_ENABLED = False
    SMS_SENDER = None  # a callable sender(phone, text), or "package.module:function"
    # "Remember this device" at sign-in (offered by default after a scan, as in WeChat's
    # in-app browser, whose cookies are its own): how long the device stays signed in.
    REMEMBER_DEVICE_DAYS = 30

    SESSION_COOKIE_HTTPONLY = True
    STRICT_TRANSPORT_SECURITY: str | None = None  # HSTS header; production sends one
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts this long; signing out, a password change or an admin's
    # "sign out everywhere" ends it sooner (User.session_version).
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

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
    # Scans and typed codes, shared by the QR URL, static QR and typed code: per signed-in
    # volunteer (anonymous scans per address), and per address for everyone. The brute-force
    # arithmetic of the 6-digit code is in volunteer/limits.py.
    CHECKIN_SCAN_RATE_LIMIT = "10 per minute; 60 per day"
    CHECKIN_ANONYMOUS_SCAN_RATE_LIMIT = "300 per minute"
    CHECKIN_ADDRESS_RATE_LIMIT = "600 per minute; 5000 per day"
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
    # The offline kiosk (README "Kiosk"): scans per sync request; how far the device clock's
    # offset may move between its last online contact and the sync before times are doubted.
    KIOSK_SYNC_BATCH_MAX = 200
    KIOSK_CLOCK_TOLERANCE_SECONDS = 120

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

    # Background jobs (README "Running on several hosts"): certificate batches, whole-tree
    # exports. The queue is Huey's: in Redis when QUEUE_URL is set (redis://host:6379/1),
    # otherwise a SQLite file in instance/ (`make run`, one host). `flask jobs worker` runs them.
    QUEUE_URL: str | None = None
    QUEUE_NAME = "volunteer"
    QUEUE_IMMEDIATE = False  # run a job inside the call that queues it (tests only)
    QUEUE_WORKERS = 2  # threads of one `flask jobs worker`
    # A running job writes a heartbeat after each step; one silent this long lost its worker
    # and is queued again (issuing is idempotent, so a rerun reuses what it issued).
    JOB_ABANDONED_MINUTES = 15
    JOB_MAINTENANCE_MINUTES = 5  # how often the worker requeues lost jobs and deletes old files
    JOB_FILE_KEEP_DAYS = 7  # generated files (batch PDFs, exports) are deleted after this
    # Files kept in the database (generated files, roster previews) are split into chunks of
    # this size, so neither a write nor a download holds a whole file in memory.
    FILE_CHUNK_BYTES = 1024 * 1024
    GENERATED_FILE_MAX_BYTES = 1024 * 1024 * 1024  # a job whose file grows past this fails
    # Or keep their bytes in an S3-compatible bucket (services/object_store.py): set the bucket,
    # and the endpoint for MinIO or a cloud's S3 API. Credentials: the usual AWS_* variables.
    FILE_STORE_S3_BUCKET: str | None = None
    FILE_STORE_S3_PREFIX = "volunteer/"
    FILE_STORE_S3_ENDPOINT_URL: str | None = None
    FILE_STORE_S3_REGION: str | None = None
    FILE_STORE_S3_PART_BYTES = 8 * 1024 * 1024  # S3 wants parts of at least 5 MB but the last

    # The volunteer network (issue 17): which organization kinds each unit kind is expected
    # to have (unit kind -> organization kinds), and when an organization counts as idle.
    NETWORK_EXPECTATIONS = {
        "town": ("practice_institute",),
        "village": ("practice_station",),
        "community": ("practice_station",),
        "party_department": ("unit_team",),
        "government_department": ("unit_team",),
        "peoples_organization": ("unit_team",),
        "judicial": ("unit_team",),
        "financial": ("unit_team",),
        "service_center": ("unit_team",),
        "school": ("unit_team",),
    }
    NETWORK_IDLE_DAYS = 30  # an organization with no activity in this many days is idle
    HONOUR_SERIAL_PREFIX = "WSRY"  # honour certificates read WSRY2026000001

    # Rosters. Budgets checked before and while reading an upload, whatever it declares
    # (README "Limits"): a real roster is a few columns of short text, and a 50,000-row
    # .xlsx unpacks to about 15 MB, packed 5 to 20 to 1.
    ROSTER_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    ROSTER_MAX_ROWS = 50_000  # people; the sheet may have 100 more rows (titles, blanks)
    ROSTER_MAX_COLUMNS = 100
    ROSTER_MAX_CELLS = 1_000_000
    ROSTER_MAX_CELL_CHARS = 1_000
    ROSTER_MAX_ZIP_MEMBERS = 1_000
    ROSTER_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
    ROSTER_MAX_COMPRESSION_RATIO = 100
    # Small uploads stay in their request for immediate feedback; larger ones are jobs (issue
    # 15: no request over 2 s). The check and the import both compare the file with the kept
    # roster of its units, so both must be small: the file by size, as its rows are unknown
    # before reading (about 2,500 CSV rows, more in an .xlsx), and the unit's kept roster
    # stints (a many-units workbook's units are unknown until read); the import by rows.
    ROSTER_INLINE_UPLOAD_BYTES = 200 * 1024
    ROSTER_INLINE_ROWS = 2_000

    # Compliance pace (issue 16): the projection reads the completions and registrations of
    # this many last days (7 to 180; a page may ask for another with ?window=).
    COMPLIANCE_PACE_WINDOW_DAYS = 30
    # Fresh and fast reports (issue 15): a report, pace or history whose last computation
    # took longer than this is served from its snapshot (services/compliance/snapshots.py),
    # refreshed in the background when a change made it stale; faster ones are live.
    COMPLIANCE_LIVE_LIMIT_MS = 300
    # After a roster upload, the uploaded units' own stale snapshots that took at most this
    # long are recomputed in the upload's request, so the coordinator sees them at once.
    COMPLIANCE_REFRESH_IN_REQUEST_MS = 3000
    # A subtree of at least this many active units is predicted slow (at county scale about
    # 200 roster people a unit, over the live limit): the job worker's round computes its
    # page's default keys before anyone asks (tasks/prewarm.py), and the page never computes
    # such a key in its request: it says "正在计算" and reloads while the worker computes.
    COMPLIANCE_PREWARM_MIN_UNITS = 100
    # The round recomputes a slow snapshot a change marked stale once it is this old (minutes):
    # every check-out marks the root's stale, and a viewer queues its refresh at once anyway.
    COMPLIANCE_PREWARM_STALE_MINUTES = 30


class ProductionConfig(Config):
    """Production: PostgreSQL from DATABASE_URL, secure cookies, a real secret required."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Browsers then refuse plain HTTP to this host for a year (serve it over HTTPS only).
    STRICT_TRANSPORT_SECURITY = "max-age=31536000" if SESSION_COOKIE_SECURE else None


class TestingConfig(Config):
    """Tests: CSRF off unless a test turns it on, fast password hashing."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    QUEUE_IMMEDIATE = True  # the same task code, run at once (tests/pg/test_two_hosts.py: real)
    # Every report live unless a test lowers it: rosters made by factories skip the staleness
    # hooks, and a slow moment of the machine must not turn a page into a snapshot's.
    COMPLIANCE_LIVE_LIMIT_MS = 600_000
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None


CONFIGS = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
