from migrations.runner import run
from services.recommendations.models import Base

run(Base.metadata)
