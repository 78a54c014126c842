"""The doubles of 26.9.6 whose interface 26.9 changed (the others are support.bindings.gen_26_3.fakes)."""
