"""QS Portal settings. Every deployment-specific value comes from the environment (see .env.example)."""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qsportal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules",
    "core",
    "accounts",
    "enterprises",
    "inspections",
    "credit",
    "brands",
    "complaints",
    "equipment",
    "metrology",
    "standards",
    "portal",
    "analysis",
    "qsportal",  # the project on top: home pages, the demo city, reference-data loading
    "simple_history",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.files.UploadsMiddleware",  # uploads served sandboxed; a refused upload is a 503 page, not a 500
]

ROOT_URLCONF = "qsportal.urls"
WSGI_APPLICATION = "qsportal.wsgi.application"
ASGI_APPLICATION = "qsportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qsportal.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (e.g. postgres://user:pass@host:5432/qsportal); unset means an embedded SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock out a username from an address after repeated failed logins (web form, admin and API token alike).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"  # says when to try again
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# How many reverse proxies (nginx, a load balancer) stand in front of the portal and append X-Forwarded-For.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Simplified Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "core.files.UploadStorage"},  # removes a half-written file (full disk)
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "qsportal.staticfiles.ServedCompressedManifestStaticFilesStorage"  # compresses only what is served
        )
    },
}

# Session and transport security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response: scripts and styles only from the portal's own static files (a template
# that needs an inline block gives it nonce="{{ request.csp_nonce }}"); uploads keep their own stricter sandbox.
# Style attributes (never a script) stay allowed for the libraries that set them: the browsable API's buttons and
# ECharts' SVG; the portal's own templates have none (tests/test_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REDIS_URL = env_str("REDIS_URL") or None

# The cache can live in its own Redis database (CACHE_URL), so clearing it never touches queued tasks.
CACHE_URL = env_str("CACHE_URL") or REDIS_URL
# Redis down is not the portal down: the cache answers from a per-process memory while Redis does not answer
# (core.cache), so throttles and per-address limits fall back to a per-process count, logged.
CACHE_TIMEOUT_SECONDS = 0.5
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS, "socket_timeout": CACHE_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis is the broker; without REDIS_URL tasks run eagerly in-process so the quickstart needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
# No request waits on a dead broker: a connection attempt gives up after a second, a read after two, and a web
# request publishes once, without retrying (core.tasks.enqueue), and without subscribing to a result.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # the worker and beat wait for the broker at start-up
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # At most two connection attempts of 0.8 s each when publishing (kombu's default keeps trying for seconds).
    "socket_connect_timeout": 0.8,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    # An unacknowledged message (its worker killed) is delivered again after this: above the longest run (the
    # time limit). The run records' heartbeat notices a lost run much sooner (JOB_LOST_AFTER_SECONDS).
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_REDIS_RETRY_ON_TIMEOUT = False
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
}
# A job run (core.models.JobRun) beats while it runs; one silent this long is marked "worker lost" and queued again.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 20)
JOB_LOST_AFTER_SECONDS = env_int("JOB_LOST_AFTER_SECONDS", 120)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_IMPORTS = ["core.audit_tasks"]  # not a tasks.py module, so not autodiscovered
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "core.tasks.heartbeat_task", "schedule": 5 * 60},
    "pending-events": {"task": "core.tasks.dispatch_pending_events_task", "schedule": 10 * 60},
    # Events whose hand-off to the broker failed (it was down) are dispatched within a minute of its return.
    "stranded-events": {
        "task": "core.tasks.dispatch_stranded_events_task",
        "schedule": 30,
        "options": {"expires": 25},
    },
    "lost-job-runs": {"task": "core.tasks.reap_lost_runs_task", "schedule": 60, "options": {"expires": 55}},
    "objection-windows": {
        "task": "inspections.tasks.finalise_unobjected_results_task",
        "schedule": crontab(hour=0, minute=20),
    },
    "credit-overrides-expiry": {
        "task": "credit.tasks.end_expired_overrides_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "dishonesty-list-daily": {
        "task": "credit.tasks.dishonesty_list_daily_task",
        "schedule": crontab(hour=0, minute=10),
    },
    "credit-nightly": {
        "task": "credit.tasks.recalculate_all_task",
        "schedule": crontab(hour=2, minute=0),
        "kwargs": {"cause": "scheduled"},
    },
    "credit-monthly-regrade": {
        "task": "credit.tasks.recalculate_all_task",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
        "kwargs": {"cause": "monthly"},
    },
    "licence-warnings": {
        "task": "enterprises.tasks.record_licence_warnings_task",
        "schedule": crontab(hour=1, minute=30),
    },
    "analysis-result-summary": {
        "task": "analysis.tasks.refresh_result_summary_task",
        "schedule": crontab(minute="*/30"),
    },
    "audit-head-daily": {"task": "core.audit_tasks.write_audit_head_task", "schedule": crontab(hour=23, minute=55)},
    "brands-revocation-proposals": {
        "task": "brands.tasks.raise_revocation_proposals_task",
        "schedule": crontab(hour=2, minute=45),
    },
    "equipment-reminders": {
        "task": "equipment.tasks.record_reminders_task",
        "schedule": crontab(hour=1, minute=15),
    },
    "metrology-reminders": {
        "task": "metrology.tasks.record_verification_reminders_task",
        "schedule": crontab(hour=1, minute=40),
    },
}

# The audit log's daily head (core.audit) is written here: a folder outside the database, ideally on another machine
# or write-once storage, so a rewritten chain no longer matches it. Empty: no head file is written.
AUDIT_HEAD_DIR = env_str("AUDIT_HEAD_DIR") or None
AUDIT_HEAD_PUBLIC = env_bool("AUDIT_HEAD_PUBLIC", False)  # publish the daily heads at /public/audit-heads/

# Bureau rules with numbers (DOMAIN.md); each is a default the bureau can change here.
SELF_REPORT_DUE_DAYS = env_int("SELF_REPORT_DUE_DAYS", 15)  # days after a quarter ends that its self-report is due
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)  # data rows of one register import file (enterprises or licences)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, checking every text in a body (no lone surrogate, at most 10 000 characters): core.hygiene.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "core.api.parsers.FormParser",
        "core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("API_TOKEN_THROTTLE", "10/min"),
        # Anyone may object to a proposed honour without an account: a limit per address keeps it usable.
        "brands_objection": env_str("BRANDS_OBJECTION_THROTTLE", "20/hour"),
        # The open-data API is read without an account: a limit per address keeps it usable for everyone.
        "public": env_str("PUBLIC_API_THROTTLE", "60/min"),
        # Complaints, tips and nominations are filed without an account (the web form also asks a question).
        "complaints_file": env_str("COMPLAINTS_FILE_THROTTLE", "5/hour"),
        "complaints_track": env_str("COMPLAINTS_TRACK_THROTTLE", "30/hour"),
        "complaints_nominate": env_str("COMPLAINTS_NOMINATE_THROTTLE", "10/hour"),
    },
    "NUM_PROXIES": PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "QS Portal API",
    "DESCRIPTION": "Quality supervision portal: enterprise files, spot checks, credit grading and brand cultivation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The request schemas state the 10 000-character bound the parsers enforce on text (core.hygiene).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.bound_request_text",
        # A record shown differently by who asks is anyOf its shapes (they overlap).
        "core.api.schema.overlapping_shapes_any_of",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CheckRatingEnum": "enterprises.choices.CheckRating",
        "ReportStatusEnum": "enterprises.choices.ReportStatus",
        "EnterpriseStatusEnum": "enterprises.choices.EnterpriseStatus",
        "CampaignStatusEnum": "inspections.choices.CampaignStatus",
        "DrawStatusEnum": "inspections.choices.DrawStatus",
        "TaskStatusEnum": "inspections.choices.TaskStatus",
        "TaskKindEnum": "inspections.choices.TaskKind",
        "LabTestStatusEnum": "inspections.choices.LabTestStatus",
        "LabTestKindEnum": "inspections.choices.LabTestKind",
        "LicenceKindEnum": "enterprises.choices.LicenceKind",
        "GradeEnum": "credit.choices.Grade",
        "BlacklistStatusEnum": "credit.choices.BlacklistStatus",
        "RepairStatusEnum": "credit.choices.RepairStatus",
        "CustodyKindEnum": "inspections.choices.CustodyKind",
        "SignatureRoleEnum": "inspections.choices.SignatureRole",
        "SamplingOutcomeEnum": "inspections.choices.SamplingOutcome",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own console handler would print every django.* record a second time.
    "loggers": {
        "django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        # Refusals (403/404) are the portal working as intended, not errors worth a traceback in the log.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # In process (no broker) every event dispatch would print a line into the web server's log.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else env_str("LOG_LEVEL", "INFO")},
        # WeasyPrint logs each step of every certificate it renders.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Spot-check rules (DOMAIN.md "Rules with numbers"). Deadlines are computed by core.workdays.
INSPECTORS_PER_TASK = env_int("INSPECTORS_PER_TASK", 2)  # at least 2 inspectors on every on-site task
OBJECTION_DAYS = env_int("OBJECTION_DAYS", 15)  # calendar days after the enterprise receives a result
OBJECTION_WORKING_DAYS_FOOD = env_int("OBJECTION_WORKING_DAYS_FOOD", 7)  # food: working days instead
# The retained sample (备样) is kept this many days after its result is final (past the objection window and re-test).
RETAINED_SAMPLE_HOLD_DAYS = env_int("RETAINED_SAMPLE_HOLD_DAYS", 30)
RECTIFICATION_DAYS = env_int("RECTIFICATION_DAYS", 60)  # calendar days after the order (SAMR Order 18 Art 46)
FIRST_RECHECK_DAYS = env_int("FIRST_RECHECK_DAYS", 75)  # first re-check within this many days of the order
SECOND_RECHECK_FROM_DAYS = env_int("SECOND_RECHECK_FROM_DAYS", 60)  # second re-check 60 to 90 days after the notice
SECOND_RECHECK_BY_DAYS = env_int("SECOND_RECHECK_BY_DAYS", 90)
# The re-check after an order to suspend and rectify is due this many days after the period ends (local practice).
SUSPENSION_RECHECK_DAYS = env_int("SUSPENSION_RECHECK_DAYS", 30)
PUBLICATION_WORKING_DAYS = env_int("PUBLICATION_WORKING_DAYS", 20)  # publish within 20 working days of the result
# Service of notices (送达): staff see the notices no enterprise user has opened this many days after they were issued
NOTICE_UNOPENED_ALERT_DAYS = env_int("NOTICE_UNOPENED_ALERT_DAYS", 5)
# Complaints and tips (SAMR Order 20), in working days on the working-day calendar.
COMPLAINT_ACCEPT_WORKING_DAYS = env_int("COMPLAINT_ACCEPT_WORKING_DAYS", 7)  # accept or refuse after receipt
COMPLAINT_MEDIATION_WORKING_DAYS = env_int("COMPLAINT_MEDIATION_WORKING_DAYS", 45)  # mediation ends after acceptance
TIP_DECISION_WORKING_DAYS = env_int("TIP_DECISION_WORKING_DAYS", 15)  # verify and decide whether to open a case
TIP_EXTENSION_WORKING_DAYS = env_int("TIP_EXTENSION_WORKING_DAYS", 15)  # once, with a leader's approval
TIP_NOTICE_WORKING_DAYS = env_int("TIP_NOTICE_WORKING_DAYS", 5)  # a named tipster told the decision
# Special equipment (Special Equipment Safety Law Arts 14, 33, 40). Inspection intervals by category are data.
EQUIPMENT_REGISTRATION_DAYS = env_int("EQUIPMENT_REGISTRATION_DAYS", 30)  # register within 30 days of first use
EQUIPMENT_INSPECTION_REMINDER_DAYS = env_int("EQUIPMENT_INSPECTION_REMINDER_DAYS", 30)  # request a month before due
EQUIPMENT_OPERATOR_CERTIFICATE_YEARS = env_int("EQUIPMENT_OPERATOR_CERTIFICATE_YEARS", 4)  # operator certificate
# Metrology: owners are reminded this many days before an instrument's verification runs out (Metrology Law Art 9).
METROLOGY_DUE_SOON_DAYS = env_int("METROLOGY_DUE_SOON_DAYS", 30)
# Credit grading and risk (DOMAIN.md "Quality credit grading", "Risk and early warning"). The grading weights and
# thresholds themselves are data: versions of credit.ScoringModel that staff view and change.
# The serious-dishonesty list (严重违法失信名单, SAMR Order 44 and the 2021 credit-repair rules).
DISHONESTY_LIST_STATEMENT_WORKING_DAYS = env_int("DISHONESTY_LIST_STATEMENT_WORKING_DAYS", 5)  # 陈述、申辩 period
DISHONESTY_LIST_UPPER_CONSENT = env_bool("DISHONESTY_LIST_UPPER_CONSENT", False)  # upper level consents to listing
DISHONESTY_LIST_EARLY_REMOVAL_MONTHS = env_int("DISHONESTY_LIST_EARLY_REMOVAL_MONTHS", 12)  # 提前移出 from then
DISHONESTY_LIST_YEARS = env_int("DISHONESTY_LIST_YEARS", 3)  # removed by itself this long after publication
DISHONESTY_LIST_REMOVED_SHOWN_DAYS = env_int("DISHONESTY_LIST_REMOVED_SHOWN_DAYS", 30)  # public "removed on" notice
SELF_REPORT_QUARTERS_CHECKED = env_int("SELF_REPORT_QUARTERS_CHECKED", 4)  # missing self-reports: last N quarters due
RISK_RECENT_FAILURE_DAYS = env_int("RISK_RECENT_FAILURE_DAYS", 365)  # "recent failures" in the risk score
RISK_HIGH = env_int("RISK_HIGH", 60)  # a risk score from here draws extra tickets in spot-check draws
RISK_JUMP_POINTS = env_int("RISK_JUMP_POINTS", 20)  # warn when an enterprise's risk rises this much in one run
RISK_WARNING_MIN = env_int("RISK_WARNING_MIN", 40)  # ... and reaches at least this
AREA_RECENT_DAYS = env_int("AREA_RECENT_DAYS", 90)  # an industry's recent failure rate in a district
AREA_BASELINE_DAYS = env_int("AREA_BASELINE_DAYS", 365)  # ... against its baseline over the year before
AREA_MIN_TESTS = env_int("AREA_MIN_TESTS", 5)  # fewer recent tests than this never raise an area warning
AREA_MARGIN_POINTS = env_int("AREA_MARGIN_POINTS", 15)  # warn when the rate is this many points above baseline
AREA_MARGIN_FACTOR = float(env_str("AREA_MARGIN_FACTOR") or 1.5)  # ... and at least this multiple of it
# A full credit recalculation's statement gets work_mem sized by the city: this many kB per enterprise, at most
# ..._MAX_MB (never less than the server's own work_mem), so its sorts and hashes do not spill to disk.
CREDIT_RECALC_WORK_MEM_KB_PER_ENTERPRISE = env_int("CREDIT_RECALC_WORK_MEM_KB_PER_ENTERPRISE", 1)
CREDIT_RECALC_WORK_MEM_MAX_MB = env_int("CREDIT_RECALC_WORK_MEM_MAX_MB", 512)
# Classified supervision: the draw weight of each grade's stratum (A 1, B 3, C 9 by default, all above zero) is
# scoring-model data (credit.ScoringModel.draw_weights), not a setting. Within its stratum an enterprise at or above
# RISK_HIGH holds DRAW_RISK_BONUS extra tickets.
DRAW_RISK_BONUS = env_int("DRAW_RISK_BONUS", 1)

# Famous brands and the quality award (DOMAIN.md "Famous-brand cultivation"): the defaults a new call's rules start
# from; each call keeps its own rules as data.
PUBLISH_CREDIT_GRADES = env_bool("PUBLISH_CREDIT_GRADES", False)  # grades on public enterprise pages and API
BUREAU_NAME = env_str("BUREAU_NAME", "岳阳市市场监督管理局")  # the issuing authority printed on certificates
# The bureau prepares and submits; the honour is conferred by another body, named on the certificate: the quality
# award by the city government, famous-brand titles by the city's promotion committee (名牌战略推进委员会).
_CITY = BUREAU_NAME[: BUREAU_NAME.index("市") + 1] if "市" in BUREAU_NAME else BUREAU_NAME
BRANDS_CONFERRING_BODY_AWARD = env_str("BRANDS_CONFERRING_BODY_AWARD", f"{_CITY}人民政府")
BRANDS_CONFERRING_BODY_BRAND = env_str("BRANDS_CONFERRING_BODY_BRAND", f"{_CITY}名牌战略推进委员会")
BRAND_CLEAN_YEARS = env_int("BRAND_CLEAN_YEARS", 3)  # no failed spot check or listing in the last N years
BRAND_TRADING_YEARS = env_int("BRAND_TRADING_YEARS", 3)  # trading at least N years
