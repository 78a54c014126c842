"""The session and kernel data factories of 26.4.16 (support.bindings.gen_26_3.factories.sessions,
with what 26.4 changed):

* ``SessionInfo.handler_options``: the per-session retry and timeout policy the coordinator now
  reads for each handler (``SessionHandlerOptions``; by default no timeout, give up after 5 attempts).
  ``phase_timeouts`` sets a handler's timeout, as an operator would in the session's options.
* ``ImageInfo.image_id``: kernels name their image by id; the launcher pulls and starts only images
  it finds by that id. The id is ``image_id(canonical)``, the same the image rows carry.
* Requests drop their zero slots: 26.4 enqueue removes every zero-quantity slot
  (``DropZeroResourceSlotsRule``), so no kernel asks for ``cuda.device: 0`` any more.
"""

from __future__ import annotations

import uuid
from typing import Any

import factory
from ai.backend.common.types import ResourceSlot
from ai.backend.manager.data.kernel.types import ImageInfo
from ai.backend.manager.data.session.options import HandlerOptions, SessionHandlerOptions

from support.bindings.gen_26_3.factories import sessions as gen_26_3
from support.bindings.gen_26_3.factories.sessions import DEFAULT_IMAGE, image_info_fields, per_kernel, stable_id


def image_id(canonical: str) -> uuid.UUID:
    """The id of the image ``canonical`` (the same for its rows, kernels and image configs)."""
    return stable_id("image", canonical)


DEFAULT_IMAGE_ID = image_id(DEFAULT_IMAGE)


def per_kernel_without_zeros(requested: ResourceSlot | None) -> ResourceSlot:
    """Each kernel's request as 26.4.16 stores it: as 26.3's (``per_kernel``), less the slots at 0,
    which enqueue drops (``DropZeroResourceSlotsRule``)."""
    return ResourceSlot({name: amount for name, amount in per_kernel(requested).items() if amount})


def handler_options(phase_timeouts: dict[str, int] | None) -> SessionHandlerOptions:
    """The default policy, with a timeout (seconds) for each handler named in ``phase_timeouts``."""
    return SessionHandlerOptions(
        by_handler={name: HandlerOptions(timeout=seconds) for name, seconds in (phase_timeouts or {}).items()}
    )


class SessionInfoFactory(gen_26_3.SessionInfoFactory):
    class Params:
        shape = per_kernel_without_zeros
        phase_timeouts = None  # handler name -> seconds

    handler_options = factory.LazyAttribute(lambda o: handler_options(o.phase_timeouts))


def _image_info(o: Any) -> ImageInfo:
    fields = image_info_fields(o)
    return ImageInfo(image_id=image_id(fields["identifier"].canonical), **fields)


class KernelInfoFactory(gen_26_3.KernelInfoFactory):
    class Params:
        of_session = factory.SubFactory(SessionInfoFactory)
        shape = per_kernel_without_zeros

    image = factory.LazyAttribute(_image_info)


class SessionWithKernelsFactory(gen_26_3.SessionWithKernelsFactory):
    class Params:
        session_info_factory = SessionInfoFactory
        kernel_info_factory = KernelInfoFactory


__all__ = [
    "DEFAULT_IMAGE_ID",
    "KernelInfoFactory",
    "SessionInfoFactory",
    "SessionWithKernelsFactory",
    "handler_options",
    "image_id",
    "per_kernel_without_zeros",
]
