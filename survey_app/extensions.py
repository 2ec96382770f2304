"""Flask extensions, created once here and bound to the app in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from survey_app.database import RoutingSession

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# RoutingSession: reads of reporting views may go to a replica (survey_app/database.py).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
# Batch mode lets later migrations ALTER tables on SQLite too.
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# Counters live in RATELIMIT_STORAGE_URI (memory:// by default, Redis in production);
# the client address is never written to the survey tables.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
