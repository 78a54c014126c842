"""The binding of the 26.4 generation (backend.ai-manager 26.4.16).

The scheduler's data layer is still 26.3's, so this binding reuses support.bindings.gen_26_3 and
replaces only what 26.4 changed (each module here says what and why).
"""
