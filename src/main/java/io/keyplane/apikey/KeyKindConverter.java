package io.keyplane.apikey;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import io.keyplane.key.KeyKind;

@Converter
public class KeyKindConverter implements AttributeConverter<KeyKind, String> {

    @Override
    public String convertToDatabaseColumn(KeyKind kind) {
        return kind == null ? null : kind.wireName();
    }

    @Override
    public KeyKind convertToEntityAttribute(String value) {
        return value == null ? null : KeyKind.fromWire(value);
    }
}
