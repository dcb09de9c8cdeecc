from migrations.runner import run
from services.catalog.models import Base

run(Base.metadata)
