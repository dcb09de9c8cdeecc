from migrations.runner import run
from services.cart.models import Base

run(Base.metadata)
