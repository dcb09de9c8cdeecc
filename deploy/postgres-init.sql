-- One database per service (ARCHITECTURE §1); run once by the postgres image on first start.
CREATE DATABASE bazaar_accounts;
CREATE DATABASE bazaar_catalog;
CREATE DATABASE bazaar_inventory;
CREATE DATABASE bazaar_cart;
CREATE DATABASE bazaar_orders;
CREATE DATABASE bazaar_payments;
CREATE DATABASE bazaar_reviews;
CREATE DATABASE bazaar_moderation;
CREATE DATABASE bazaar_media;
CREATE DATABASE bazaar_notifications;
CREATE DATABASE bazaar_recommendations;
