from .urls_joint import urlpatterns as joint_urls
from .urls_recommender import urlpatterns as recommender_urls
from .urls_unit import urlpatterns as unit_urls

app_name = "recommenders"

urlpatterns = unit_urls + recommender_urls + joint_urls
