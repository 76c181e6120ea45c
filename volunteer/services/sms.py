"""The text-message hook (off by default): where a deployment plugs in an SMS gateway.

Sending itself is out of scope. With SMS_ENABLED false (the default) nothing is sent and
`send_reset_code` returns False, so the coordinator hands the code over in person or by
phone. A deployment that has a gateway sets SMS_ENABLED = True and SMS_SENDER to a
callable `sender(phone: str, text: str) -> None` (or "package.module:function"); it raises
on failure. Enabled without a sender is a configuration error and raises.

Reminder lists (services.reminders, the compliance page 短信提醒) never call this hook:
they are files a coordinator imports into the unit's own SMS platform, so nothing is
texted from them even with SMS_ENABLED on. A deployment that wants the system itself
to send reminders would plug in here, next to `send_reset_code`, with the same sender;
that sending (batching, opt-out, delivery reports) is not built.
"""

from collections.abc import Callable
from importlib import import_module

from flask import current_app

from volunteer.i18n import gettext as _


class SmsNotConfigured(RuntimeError):
    """SMS_ENABLED is on, but SMS_SENDER names no callable."""


def sms_enabled() -> bool:
    """Whether a text-message gateway is switched on."""
    return bool(current_app.config.get("SMS_ENABLED"))


def _sender() -> Callable[[str, str], None]:
    sender = current_app.config.get("SMS_SENDER")
    if isinstance(sender, str) and ":" in sender:
        module, _sep, name = sender.partition(":")
        sender = getattr(import_module(module), name)
    if not callable(sender):
        raise SmsNotConfigured("SMS_ENABLED is set but SMS_SENDER is not a callable")
    return sender


def send_reset_code(phone: str, code: str, link: str) -> bool:
    """Text the reset code and link to `phone`; False (nothing sent) while SMS is off."""
    if not sms_enabled():
        return False
    text = _("Your password reset code is %(code)s (valid 24 h): %(link)s", code=code, link=link)
    _sender()(phone, text)
    return True
