"""SQLAlchemy 2 models, one module per area of the floor."""
from server.db import Base
from server.models.catalog import Bin, Product, Stock
from server.models.orders import Address, Customer, Order, OrderLine
from server.models.tasks import PickedLot, Task, TaskLine
from server.models.shipping import Package, PackageContent, PrintJob
from server.models.returns import QuarantineUnit, Refund, Return, ReturnLine
from server.models.floor import AuditEvent, ScanEvent, Station, StationSession, User
from server.models.printers import Printer
from server.models.intake import ApiToken, ChannelOrder, Delivery, IdempotencyRecord, Integration
from server.models.warehouses import RoutingDecision, Warehouse, WarehouseZone
from server.models.history import OrderStatusChange
from server.models.customer_updates import (Notification, NotificationOptOut, OrderPromise, PromiseDecision,
                                            TrackingEvent)

__all__ = [
    "Address", "ApiToken", "AuditEvent", "Base", "Bin", "ChannelOrder", "Customer", "Delivery", "IdempotencyRecord",
    "Integration", "Order", "OrderLine", "Package", "PickedLot",
    "PackageContent", "PrintJob", "Printer", "Product", "QuarantineUnit", "Refund", "Return",
    "ReturnLine", "ScanEvent", "Station", "StationSession", "Stock", "Task", "TaskLine", "User",
    "Notification", "NotificationOptOut", "OrderPromise", "PromiseDecision", "TrackingEvent",
]
