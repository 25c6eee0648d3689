# NetBox configuration for Baozi's test harness and `make run`. Every setting comes from the JSON
# file named by BAOZI_NETBOX_SETTINGS, which the harness writes as data (Jackson); this file only
# reads it, so no value is ever pasted into Python source.
import json
import os

with open(os.environ["BAOZI_NETBOX_SETTINGS"], encoding="utf-8") as _settings_file:
    _settings = json.load(_settings_file)

ALLOWED_HOSTS = _settings["ALLOWED_HOSTS"]
DATABASES = _settings["DATABASES"]
REDIS = _settings["REDIS"]
SECRET_KEY = _settings["SECRET_KEY"]
# JSON keys are strings; NetBox wants the pepper ids as integers.
API_TOKEN_PEPPERS = {int(key): value for key, value in _settings["API_TOKEN_PEPPERS"].items()}
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
ISOLATED_DEPLOYMENT = True
TIME_ZONE = "UTC"
