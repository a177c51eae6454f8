"""Imports every feature's tables so Base.metadata is complete (migrations, tests)."""

from qms import models  # noqa: F401
from qms.auth import models as auth_models  # noqa: F401
from qms.devices import models as device_models  # noqa: F401
from qms.fallback import models as fallback_models  # noqa: F401
from qms.federation import models as federation_models  # noqa: F401
from qms.help import models as help_models  # noqa: F401
from qms.incidents import models as incident_models  # noqa: F401
from qms.paper import models as paper_models  # noqa: F401
from qms.province import models as province_models  # noqa: F401
from qms.queue import models as queue_models  # noqa: F401
from qms.ratings import models as rating_models  # noqa: F401
