package io.keyplane.common;

import java.lang.annotation.ElementType;

import jakarta.inject.Singleton;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;

/**
 * Bean Validation reaches every property of what it validates. With Hibernate ORM present, Hibernate Validator
 * would otherwise ask JPA whether each property is loaded, and cache the answers in a map per validation: on the
 * verify hot path that was the largest single source of allocation. What we validate are request records, never
 * entities, so there is nothing lazy to skip.
 */
@Singleton
public class EveryPropertyTraversable implements TraversableResolver {

    @Override
    public boolean isReachable(Object bean, Path.Node property, Class<?> rootBeanType, Path pathToProperty,
            ElementType elementType) {
        return true;
    }

    @Override
    public boolean isCascadable(Object bean, Path.Node property, Class<?> rootBeanType, Path pathToProperty,
            ElementType elementType) {
        return true;
    }
}
