"""The factories of 26.9.6: support.bindings.gen_26_4.factories, with what 26.9 changed in the data
classes (each module says what)."""
