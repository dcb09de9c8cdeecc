from migrations.runner import run
from services.moderation.models import Base

run(Base.metadata)
