"""The rows of the database tier on 26.4.16 (support.bindings.gen_26_3.factories.rows, with what
26.4 changed):

* images have a stable id (``image_id(name)``), and kernels refer to it (``kernels.image_id``, a
  foreign key): the launcher pulls and starts a kernel's image only by that id;
* sessions list their images' ids (``sessions.image_ids``) and keep their handler policy in
  ``sessions.options`` (``SessionStoredOptions.handler_options``), where the coordinator reads it.
"""

from __future__ import annotations

from typing import Any

import factory
from ai.backend.manager.data.session.options import SessionStoredOptions
from ai.backend.manager.models.kernel import KernelRow
from ai.backend.manager.models.session import SessionRow

from support.bindings.common.moved import SessionWithKernels
from support.bindings.gen_26_3.factories import rows as gen_26_3
from support.bindings.gen_26_3.factories.rows import ContainerRegistryRowFactory, Row

from .sessions import image_id


class ImageRowFactory(gen_26_3.ImageRowFactory):
    id: Any = factory.LazyAttribute(lambda o: image_id(o.name))


def image_rows(**image: Any) -> list[Row]:
    """The default image and the registry it comes from."""
    return [ContainerRegistryRowFactory.build(), ImageRowFactory.build(**image)]


def session_rows(sw: SessionWithKernels) -> list[Row]:
    """The rows of a session, its kernels and their requested resources, as 26.4.16 keeps them."""
    info = sw.session_info
    images = {k.id: k.image.image_id for k in sw.kernel_infos}
    rows = []
    for row in gen_26_3.session_rows(sw):
        if row.table is SessionRow.__table__:
            options = SessionStoredOptions(handler_options=info.handler_options)
            image_ids = list(dict.fromkeys(i for i in images.values() if i is not None))
            row = Row(row.table, {**row.values, "options": options, "image_ids": image_ids})
        elif row.table is KernelRow.__table__:
            row = Row(row.table, {**row.values, "image_id": images[row.values["id"]]})
        rows.append(row)
    return rows


__all__ = ["ImageRowFactory", "image_rows", "session_rows"]
