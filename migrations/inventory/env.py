from migrations.runner import run
from services.inventory.models import Base

run(Base.metadata)
