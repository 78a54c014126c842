"""The doubles of 26.4.16: support.bindings.gen_26_3.fakes, with what 26.4 changed (each module says what)."""
