"""Orders from the channels (Shopify, WooCommerce, CSV, the REST API) as plain data.

Pure rules, no database: how a platform signs its deliveries, how its order payload reads
as a ``ChannelOrder``, and which of those Colis can take as they are (``problems``).
"""
from server.domain.intake.model import (ChannelAddress, ChannelCustomer, ChannelLine, ChannelOrder,
                                        PayloadError, money_to_cents, parse_timestamp)
from server.domain.intake.signatures import sign, signature_matches

__all__ = ["ChannelAddress", "ChannelCustomer", "ChannelLine", "ChannelOrder", "PayloadError",
           "money_to_cents", "parse_timestamp", "sign", "signature_matches"]
