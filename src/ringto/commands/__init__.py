"""ringto.commands"""
