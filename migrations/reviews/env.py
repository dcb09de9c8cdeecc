from migrations.runner import run
from services.reviews.models import Base

run(Base.metadata)
