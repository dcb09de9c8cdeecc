from migrations.runner import run
from services.orders.models import Base

run(Base.metadata)
