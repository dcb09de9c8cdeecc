from migrations.runner import run
from services.payments.models import Base

run(Base.metadata)
