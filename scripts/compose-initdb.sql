CREATE DATABASE graphledger_test;
