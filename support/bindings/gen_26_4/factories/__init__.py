"""The factories of 26.4.16: support.bindings.gen_26_3.factories, with what 26.4 changed in the data
classes and rows (each module says what)."""
