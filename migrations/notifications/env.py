from migrations.runner import run
from services.notifications.models import Base

run(Base.metadata)
