from migrations.runner import run
from services.media.models import Base

run(Base.metadata)
