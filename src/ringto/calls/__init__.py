"""ringto.calls"""
