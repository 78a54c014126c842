"""The in-memory repository's data on 26.4.16 (support.bindings.gen_26_3.factories.stored, with
what 26.4 changed):

* a stored session is built from 26.4's session factories (``.sessions``): handler options, image
  ids, requests without zero slots;
* ``ImageConfigData.id``: the launcher finds a kernel's image config by the kernel's image id, so
  the image carries the id its kernels name (``image_id(canonical)``).
"""

from __future__ import annotations

import factory

from support.bindings.gen_26_3.factories import stored as gen_26_3

from .sessions import SessionWithKernelsFactory, image_id


class StoredSessionFactory(gen_26_3.StoredSessionFactory):
    session = factory.SubFactory(SessionWithKernelsFactory)


class ImageConfigDataFactory(gen_26_3.ImageConfigDataFactory):
    id = factory.LazyAttribute(lambda o: image_id(o.canonical))


__all__ = ["ImageConfigDataFactory", "StoredSessionFactory"]
