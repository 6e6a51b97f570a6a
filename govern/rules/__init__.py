"""Shared rule machinery: findings, the rule registry and the engine that runs rules."""
