from .sla import *  # noqa: F403
from .ticket import *  # noqa: F403
from .ui import *  # noqa: F403
